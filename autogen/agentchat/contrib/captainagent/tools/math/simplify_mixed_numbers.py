def simplify_mixed_numbers(numerator1, denominator1, numerator2, denominator2, whole_number1, whole_number2):
    """Simplifies the sum of two mixed numbers and returns the result as a string in the format 'a b/c'.

    Args:
        numerator1 (int): numerator of the first fraction part.
        denominator1 (int): denominator of the first fraction part.
        numerator2 (int): numerator of the second fraction part.
        denominator2 (int): denominator of the second fraction part.
        whole_number1 (int): whole part of the first mixed number.
        whole_number2 (int): whole part of the second mixed number.

    Returns:
        str: the sum as 'a b/c' (or just 'a' when it is a whole number).
    """
    from fractions import Fraction

    total = whole_number1 + Fraction(numerator1, denominator1) + whole_number2 + Fraction(numerator2, denominator2)
    whole, rest = divmod(total.numerator, total.denominator)
    return f"{whole} {Fraction(rest, total.denominator)}" if rest else str(whole)
