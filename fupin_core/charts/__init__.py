"""Altair chart builders, one module per page area, all themed by `theme.apply_theme`.

Categories keep the order of the frame they come in (by code or by target), never Unicode
code-point order; Chinese labels stay horizontal.
"""
