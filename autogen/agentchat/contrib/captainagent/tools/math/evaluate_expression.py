def evaluate_expression(expression):
    """Evaluates a mathematical expression with support for floor function notation and power notation.

    Args:
        expression (str): the expression; '^' means power and '\\lfloor ... \\rfloor' means floor. It may use
            the one symbol 'x'.

    Returns:
        Union[sympy.Expr, str]: the evaluated expression, or the error message when it cannot be parsed.
    """
    from sympy import sympify

    text = expression.replace("^", "**").replace("\\lfloor", "floor(").replace("\\rfloor", ")")
    try:
        return sympify(text)
    except Exception as e:  # noqa: BLE001 - the message is the answer
        return str(e)
