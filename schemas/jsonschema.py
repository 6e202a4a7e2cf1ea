"""Generate `schemas/article.schema.json` from the models (run: python -m schemas.jsonschema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.models import Article

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")
GENERATED_NOTE = "generated — edit schemas/*.py, then run: python -m schemas.jsonschema"


def article_schema() -> dict[str, Any]:
    """The JSON Schema of one Article line, with the generated-file note."""
    schema = Article.model_json_schema()
    schema["$comment"] = GENERATED_NOTE
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render() -> str:
    """The exact text of the schema file."""
    return json.dumps(article_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    """Write the schema file."""
    SCHEMA_PATH.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
