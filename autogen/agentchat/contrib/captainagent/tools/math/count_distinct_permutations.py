def count_distinct_permutations(sequence):
    """Counts the number of distinct permutations of a sequence where items may be indistinguishable.

    Args:
        sequence (iterable): the items (equal items are indistinguishable).

    Returns:
        int: the number of distinct orderings, e.g. 3 for "aab".
    """
    from collections import Counter
    from math import factorial

    counts = Counter(sequence)
    result = factorial(sum(counts.values()))
    for count in counts.values():
        result //= factorial(count)
    return result
