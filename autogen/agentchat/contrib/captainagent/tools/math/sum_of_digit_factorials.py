def sum_of_digit_factorials(number):
    """Calculates the sum of the factorial of each digit in a number, often used in problems involving curious numbers like 145.

    Args:
        number (int): the number whose digits are used.

    Returns:
        int: the sum of the factorials of its digits.
    """
    from math import factorial

    return sum(factorial(int(d)) for d in str(abs(int(number))))
