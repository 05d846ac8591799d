def sum_of_primes_below(threshold):
    """Calculates the sum of all prime numbers below a given threshold.

    Args:
        threshold (int): primes smaller than this are summed.

    Returns:
        int: the sum of the primes below ``threshold``.
    """
    n = int(threshold)
    if n < 3:
        return 0
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytearray(len(range(p * p, n, p)))
    return sum(i for i, is_prime in enumerate(sieve) if is_prime)
