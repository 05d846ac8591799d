def calculate_reflected_point(point):
    """Calculates the reflection point of a given point about the line y=x.

    Args:
        point (dict): the point, with keys 'x' and 'y'.

    Returns:
        dict: the reflected point, with keys 'x' and 'y'.
    """
    return {"x": point["y"], "y": point["x"]}
