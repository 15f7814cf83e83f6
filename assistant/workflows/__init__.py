"""Documents the assistant drafts: service plans and project proposals.

Code assembles the structure and every figure; the model writes only short
prose paragraphs, so a draft is always well-formed even from a small model.
"""
