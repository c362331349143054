"""Writes the small real data sets of `npm run bench:quality` as CSVs under test/fixtures/data, once:
scikit-learn's bundled iris (150 x 4, 3 classes), wine (178 x 13, 3 classes) and breast cancer
(569 x 30, 2 classes), one example per row, the features by their names and the class in column y.
Run with Debian's python3-sklearn: python3 bench/quality_data.py"""
import csv
import os
import sys

from sklearn import datasets

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'data')
SETS = {
    'iris': datasets.load_iris,
    'wine': datasets.load_wine,
    'breast-cancer': datasets.load_breast_cancer,
}

for name, load in SETS.items():
    d = load()
    path = os.path.join(OUT, f'{name}.csv')
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow([n.replace(' ', '_') for n in d.feature_names] + ['y'])
        for x, y in zip(d.data, d.target):
            w.writerow([repr(float(v)) for v in x] + [str(d.target_names[y])])
    print(f'{path}: {d.data.shape[0]} x {d.data.shape[1]}, classes {list(d.target_names)}', file=sys.stderr)
