"""The quote stage; importing it registers the `quotes` factory and the Span extensions."""

from nlp.quotes.component import QuoteFinder

__all__ = ["QuoteFinder"]
