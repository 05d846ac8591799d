def shapiro_wilk_test(csv_file, column_name):
    """Perform the Shapiro-Wilk test on a specified column of a CSV file.

    Args:
        csv_file (str): the CSV file.
        column_name (str): the column to test.

    Returns:
        float: the p-value of the Shapiro-Wilk test (needs scipy).
    """
    import csv

    from scipy.stats import shapiro

    with open(csv_file, newline="", encoding="utf-8") as f:
        values = [float(r[column_name]) for r in csv.DictReader(f)]
    return float(shapiro(values).pvalue)
