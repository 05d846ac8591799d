def calculate_day_of_the_week(total_days: int, starting_day: str):
    """Calculates the day of the week after a given number of days starting from a specified day.

    Args:
        total_days: how many days later.
        starting_day: the day to count from: 'Monday', 'Tuesday', ... 'Sunday'.

    Returns:
        str: the day of the week ``total_days`` after ``starting_day``.
    """
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return days[(days.index(starting_day) + total_days) % 7]
