def detect_outlier_iqr(csv_file: str, column_name: str):
    """Detect outliers in a specified column of a CSV file using the IQR method.

    Args:
        csv_file (str): the CSV file.
        column_name (str): the column to check.

    Returns:
        list: the (0-based) indices of the rows below Q1 - 1.5 IQR or above Q3 + 1.5 IQR.
    """
    import csv

    with open(csv_file, newline="", encoding="utf-8") as f:
        values = [float(r[column_name]) for r in csv.DictReader(f)]
    if not values:
        return []
    ordered = sorted(values)

    def quantile(q):
        # linear interpolation between closest ranks
        pos = (len(ordered) - 1) * q
        low = int(pos)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)

    q1, q3 = quantile(0.25), quantile(0.75)
    iqr = q3 - q1
    return [i for i, v in enumerate(values) if v < q1 - 1.5 * iqr or v > q3 + 1.5 * iqr]
