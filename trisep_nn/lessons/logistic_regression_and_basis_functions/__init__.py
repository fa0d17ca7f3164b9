"""Notebook 01, logistic regression and basis functions.

The models are scikit-learn's, built by the toolkit's
:mod:`trisep_nn.polynomials` (``polynomial_classifier``: logistic regression
``σ(wᵀφ(x))`` on the polynomial basis ``φ(x) = {1, x, x², …}``), which the next
lessons use again; the data are :mod:`trisep_nn.data`'s. What is this lesson's
own are its explorers (:mod:`.widgets`) and exercise checks (:mod:`.checks`).
"""
