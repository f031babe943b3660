"""Every write of the meters app, one module per subject: store (goods-in, stock, stocktake),
purchases (M1), issues (M3), replacements (M4–M6), tracking (inspection tasks), returns (M7, the
store's tasks from counter business), acceptance (M8)."""
