"""Label Studio JSON tasks, for import and export: entities, quotes with speakers and cues,
and meta are held; tokens are lost.

A task is {"data": {"id", "text"}, "meta", "annotations": [{"result": [...]}]}: every entity,
quote (Quote_direct / Quote_indirect), speaker and cue is a region of type "labels" (from_name
"label", to_name "text"), and relations of type "relation" labelled "said" or "cued" run from a
speaker or cue to its quote. Offsets are characters, as Label Studio counts them. Reading takes
the first annotation that was not cancelled, else the first prediction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from nlp.convert.common import Link, Losses, Region, fail, from_regions, new_record, to_regions


def write(records: Iterable[dict], path: Path) -> list[str]:
    losses = Losses("labelstudio", ("entities", "quotes", "meta"))
    tasks = [_task(record) for record in losses.watch(records)]
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return losses.messages()


def _task(record: dict) -> dict:
    text = record["text"]
    regions, links = to_regions(record)
    result = [
        {"id": r.id, "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": r.start, "end": r.end, "text": text[r.start:r.end], "labels": [r.label]}}
        for r in regions
    ]
    result += [
        {"type": "relation", "from_id": link.source, "to_id": link.quote, "direction": "right", "labels": [link.kind]}
        for link in links
    ]
    task = {"data": {"id": record["id"], "text": text}, "annotations": [{"result": result}]}
    if "meta" in record:
        task["meta"] = record["meta"]
    return task


def read(path: Path) -> Iterator[dict]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise fail(path, error.lineno, f"malformed JSON: {error.msg}") from None
    for number, task in enumerate(tasks if isinstance(tasks, list) else [tasks], 1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise fail(path, None, f"task {number}: expected a task with data.text")
        text = data["text"]
        doc_id = str(data.get("id") or task.get("id") or f"{path.stem}-{number:05d}")
        regions, links = _result(path, number, text, task)
        entities, quotes = from_regions(text, regions, links)
        record = new_record(doc_id, text, entities=entities, quotes=quotes)
        if isinstance(task.get("meta"), dict):
            record["meta"] = task["meta"]
        yield record


def _result(path: Path, number: int, text: str, task: dict) -> tuple[list[Region], list[Link]]:
    annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    chosen = (annotations or task.get("predictions") or [{}])[0]
    regions, links = [], []
    for item in chosen.get("result") or []:
        if item.get("type") == "relation":
            links.append(Link((item.get("labels") or [""])[0], item.get("from_id"), item.get("to_id")))
        elif item.get("type") == "labels":
            value = item.get("value") or {}
            try:
                start, end, label = int(value["start"]), int(value["end"]), value["labels"][0]
            except (KeyError, IndexError, TypeError, ValueError):
                raise fail(path, None, f"task {number}: region {item.get('id')!r} needs value.start, end and labels") from None
            if "text" in value and value["text"] != text[start:end]:
                raise fail(path, None, f"task {number}: region {item.get('id')!r}: {value['text']!r} is not text[{start}:{end}]")
            regions.append(Region(str(item.get("id")), label, start, end))
    return regions, links
