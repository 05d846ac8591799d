def detect_outlier_zscore(csv_file, column_name, threshold=3):
    """Detect outliers in a CSV file based on a specified column. The outliers are determined by calculating the z-score of the data points in the column.

    Args:
        csv_file (str): the CSV file.
        column_name (str): the column to score.
        threshold (float, optional): rows whose |z-score| is above this are outliers. Defaults to 3.

    Returns:
        list: the (0-based) indices of the outlier rows.
    """
    import csv
    import statistics

    with open(csv_file, newline="", encoding="utf-8") as f:
        values = [float(r[column_name]) for r in csv.DictReader(f)]
    if len(values) < 2:
        return []
    mean, std = statistics.fmean(values), statistics.stdev(values)
    if std == 0:
        return []
    return [i for i, v in enumerate(values) if abs((v - mean) / std) > threshold]
