def complex_numbers_product(complex_numbers):
    """Calculates the product of a list of complex numbers.

    Args:
        complex_numbers (list): dictionaries with the keys 'real' and 'imag' (real and imaginary parts).

    Returns:
        complex: the product, simplified (a sympy expression).
    """
    from sympy import I, simplify

    product = 1
    for number in complex_numbers:
        product = product * (number["real"] + I * number["imag"])
    return simplify(product)
