"""Knowledge search, the pure part: caller text → terms (analysis), items' terms → scores (rank).

No Django import: the database side (knowledge.index) stores what ``analysis`` produces and hands the
candidates back to ``rank``.
"""
