"""The API's JSON parser: DRF's, with a body nested too deeply for the parser answered as
any other body that is not JSON (400), not as a server error."""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's parser recurses once per level: tens of thousands of nested
            # brackets exhaust the stack before any value is read.
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
