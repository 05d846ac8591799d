def explore_csv(file_path, num_lines=5):
    """Reads a CSV file and prints the column names, shape, data types, and the first few lines of data.

    Args:
        file_path (str): the CSV file.
        num_lines (int, optional): how many data lines to print. Defaults to 5.
    """
    import csv

    with open(file_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, data = (rows[0], rows[1:]) if rows else ([], [])

    def column_type(values):
        for kind in (int, float):
            try:
                for v in values:
                    if v != "":
                        kind(v)
                return kind.__name__
            except ValueError:
                continue
        return "str"

    print("Columns:")
    print(", ".join(header))
    print("Shape:", (len(data), len(header)))
    print("Data Types:")
    for i, name in enumerate(header):
        print(f"{name}: {column_type([r[i] for r in data if i < len(r)])}")
    print("First", num_lines, "lines:")
    for row in data[:num_lines]:
        print(", ".join(row))
