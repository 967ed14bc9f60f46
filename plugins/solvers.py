"""The one way training builds a logistic regression: solved to convergence.

A solver stopped early lands wherever its floating-point path took it, and that path
differs between CPUs (OpenBLAS picks Haswell kernels on one machine, SkylakeX on
another): with lbfgs at scikit-learn's default tolerance the region model stopped 0.7
from its optimum, and its Platt slopes came out 0.023 apart on two kernels. Newton's
method reaches the optimum in a few steps on every machine; the two kernels then agree
to 1.5e-4, inside the reproducibility test's tolerance (tests/test_models.py).
"""

from __future__ import annotations

TOLERANCE = 1e-8
MAX_ITER = 1000


def logistic_regression(C: float, *, balanced: bool = True, few_features: bool = False):
    """An unfitted logistic regression solved by Newton's method to :data:`TOLERANCE`:
    with conjugate gradients on word features, with the exact Hessian on a few features
    (where conjugate gradients' line search runs out of precision before the tolerance)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced" if balanced else None,
                              solver="newton-cholesky" if few_features else "newton-cg",
                              tol=TOLERANCE, max_iter=MAX_ITER)
