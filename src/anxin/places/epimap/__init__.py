"""The compound epidemic map (疫情分布图), after the hand-drawn map Zhengzhou's Beilin street posted at each
locked compound's gate (seed 004): buildings, floors and households, each household coloured by status.

The pipeline, each step its own module:
  selectors.py  the compound in the user's scope → ``CompoundMap`` (units, statuses, head counts; no names)
  status.py     a household's status from its residents' tags, by rules/map_status.toml (pure)
  layout.py     buildings, floors and units → boxes in abstract units (pure)
  svg.py        layout → the interactive page's inline SVG (pure)
  printout.py   ``CompoundMap`` → an A3/A4 sheet of boxes and labels (pure)
  raster.py     sheet → PNG or PDF (Pillow, the Noto CJK font)
"""
