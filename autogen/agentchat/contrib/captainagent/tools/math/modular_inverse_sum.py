def modular_inverse_sum(expressions, modulus):
    """Calculates the sum of modular inverses of the given expressions modulo the specified modulus.

    Args:
        expressions (list): the numbers to invert (numbers without an inverse are skipped).
        modulus (int): the modulus.

    Returns:
        int: the sum of the inverses, modulo ``modulus``.
    """
    total = 0
    for number in expressions:
        try:
            total += pow(int(number), -1, modulus)
        except ValueError:
            continue
    return total % modulus
