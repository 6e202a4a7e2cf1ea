"""Write extractor/rules/rules.index.json: every rule file (*.yaml) parsed, fingerprinted.

Run after editing a rule file; until then that file is parsed with PyYAML in every process
(correct, slower) and tests/test_rules_prebuilt.py fails.

    python scripts/index_rules.py
"""

from __future__ import annotations

from importlib import resources

from extractor import rules


def main() -> int:
    """Parse every rule file and write PREBUILT beside them."""
    sources = rules.rule_sources()
    target = resources.files("extractor.rules").joinpath(rules.PREBUILT)
    with resources.as_file(target) as path:
        path.write_text(rules.build_prebuilt(sources), "utf-8")
        print(f"{path}: {len(sources)} rule files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
