def calculate_matrix_power(matrix, power):
    """Calculate the power of a given matrix.

    Args:
        matrix (list): the matrix as a list of rows of numbers.
        power (int): the exponent; 0 gives the identity, a negative power inverts the matrix first.

    Returns:
        Matrix: the matrix raised to ``power`` (a sympy Matrix).

    Raises:
        ValueError: the power is negative and the matrix is not invertible.
    """
    from sympy import Matrix, eye

    m = Matrix(matrix)
    if power == 0:
        return eye(m.shape[0])
    if power < 0:
        if m.det() == 0:
            raise ValueError("Matrix is not invertible.")
        return m.inv() ** (-power)
    return m**power
