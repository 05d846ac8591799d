def calculate_skewness_and_kurtosis(csv_file: str, column_name: str) -> tuple:
    """Calculate the skewness and kurtosis of a specified column in a CSV file. The kurtosis is calculated using the Fisher definition.
    The two metrics are computed using scipy.stats functions.

    Args:
        csv_file (str): the CSV file.
        column_name (str): the column.

    Returns:
        tuple: (skewness, kurtosis)
    """
    import csv

    from scipy.stats import kurtosis, skew

    with open(csv_file, newline="", encoding="utf-8") as f:
        values = [float(r[column_name]) for r in csv.DictReader(f)]
    return float(skew(values)), float(kurtosis(values))
