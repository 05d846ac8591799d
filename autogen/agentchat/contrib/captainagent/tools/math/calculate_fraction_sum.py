def calculate_fraction_sum(
    fraction1_numerator: int, fraction1_denominator: int, fraction2_numerator: int, fraction2_denominator: int
):
    """Calculates the sum of two fractions and returns the result as a mixed number.

    Args:
        fraction1_numerator: numerator of the first fraction.
        fraction1_denominator: denominator of the first fraction.
        fraction2_numerator: numerator of the second fraction.
        fraction2_denominator: denominator of the second fraction.

    Returns:
        str: the sum as 'a b/c' (or just 'a' when it is a whole number).
    """
    from fractions import Fraction

    total = Fraction(fraction1_numerator, fraction1_denominator) + Fraction(fraction2_numerator, fraction2_denominator)
    whole, rest = divmod(total.numerator, total.denominator)
    return f"{whole} {Fraction(rest, total.denominator)}" if rest else str(whole)
