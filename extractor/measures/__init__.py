"""The measure tree: enumerated measures, their declared counts and nesting, checked.

One module per concern: `labels` (the count-label grammar), `markers` (ordinal families),
`items` (candidate item finders for a label, in one ordered table; `before` holds those whose
items stand before the label, `context` what they all read), `runs` (unlabelled runs),
`guards` (what is not a measure), `tree` (nesting, `parent_item`, the public records),
`text` (clauses and stops).
"""

from extractor.measures.tree import build_tree, check_model_codes, extract_measure_groups

__all__ = ["build_tree", "check_model_codes", "extract_measure_groups"]
