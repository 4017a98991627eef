from nlp.cli import app

app(prog_name="nlp")
