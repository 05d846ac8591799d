def compute_currency_conversion(amount, exchange_rate):
    """Compute the currency conversion of the given amount using the provided exchange rate.

    Args:
        amount (float): the amount to convert.
        exchange_rate (float): the exchange rate between the two currencies; the amount is divided by it.

    Returns:
        float: the converted amount.
    """
    from fractions import Fraction

    return float(Fraction(str(amount)) / Fraction(str(exchange_rate)))
