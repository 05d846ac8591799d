def calculate_circle_area_from_diameter(diameter):
    """Calculate the area of a circle given its diameter.

    Args:
        diameter (float): the diameter.

    Returns:
        float: the area, pi * (diameter / 2) ** 2 (a sympy expression in pi).
    """
    from sympy import pi

    return pi * (diameter / 2) ** 2
