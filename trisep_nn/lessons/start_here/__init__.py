"""Notebook 00, start here: how to use the course, a check of the set-up
(:mod:`trisep_nn.doctor`), a first explorer and a first exercise (its check is
in :mod:`.checks`), and a first look at a network learning (the explorer in
:mod:`.widgets`)."""
