def fraction_to_mixed_numbers(numerator, denominator):
    """Simplifies a fraction to its lowest terms and returns it as a mixed number.

    Args:
        numerator (int): the numerator.
        denominator (int): the denominator.

    Returns:
        str: the whole number, or 'a b/c' for a mixed number; an error message for non-integers or a zero
        denominator.
    """
    from fractions import Fraction

    if not isinstance(numerator, int) or not isinstance(denominator, int):
        return "Error: Numerator and denominator must be integers."
    if denominator == 0:
        return "Error: Denominator cannot be zero."
    value = Fraction(numerator, denominator)
    if value.denominator == 1:
        return str(value.numerator)
    whole = int(value)  # truncates toward zero, as a mixed number does
    rest = value - whole
    return f"{whole} {rest}" if whole else str(rest)
