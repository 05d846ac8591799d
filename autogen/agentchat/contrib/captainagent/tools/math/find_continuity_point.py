def find_continuity_point(f_leq, f_gt, x_value):
    """Find the value 'a' that ensures the continuity of a piecewise function at a given point.

    Args:
        f_leq (str): f(x) for x less than or equal to the point, as an expression in x and a.
        f_gt (str): f(x) for x greater than the point, as an expression in x and a.
        x_value (float): the point where f must be continuous.

    Returns:
        float or None: the value of 'a' that makes both pieces meet at ``x_value``, or None if there is none.
    """
    from sympy import Eq, solve, symbols, sympify

    x, a = symbols("x a")
    left = sympify(f_leq).subs(x, x_value)
    right = sympify(f_gt).subs(x, x_value)
    solutions = solve(Eq(left, right), a)
    return solutions[0] if solutions else None
