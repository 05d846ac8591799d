def calculate_correlation(csv_path: str, column1: str, column2: str, method: str = "pearson") -> float:
    """Calculate the correlation between two columns in a CSV file.

    Args:
        csv_path (str): the CSV file.
        column1 (str): the first column.
        column2 (str): the second column.
        method (str or callable, optional): 'pearson' (default), 'kendall', 'spearman', or a function taking
            the two columns and returning a number.

    Returns:
        float: the correlation coefficient of the two columns.
    """
    import csv

    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r[column1] != "" and r[column2] != ""]
    xs = [float(r[column1]) for r in rows]
    ys = [float(r[column2]) for r in rows]
    if callable(method):
        return float(method(xs, ys))
    if method not in ("pearson", "kendall", "spearman"):
        raise ValueError("Invalid correlation method. Please choose 'pearson', 'kendall', 'spearman', or a callable.")
    from scipy import stats

    if method == "pearson":
        return float(stats.pearsonr(xs, ys)[0])
    if method == "kendall":
        return float(stats.kendalltau(xs, ys)[0])
    return float(stats.spearmanr(xs, ys)[0])
