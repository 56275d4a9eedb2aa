# Copyright (C) 2026 The QAsyncSqlite Authors
# SPDX-License-Identifier: MIT
"""The Python side of tst_functions' window function tests.

Reads a program (JSON, argv[1]): {"setup": sql, "steps": [step, ...]}, runs
it on Python's sqlite3 and prints one outcome per step as a JSON array. The
test runs the same steps on QAsyncSqlite (createWindow() in tst_functions.cpp
mirrors the classes below) and compares the two arrays.

Steps:
  {"op": "window", "name", "nArgs", "kind", "defect"}  create_window_function()
  {"op": "remove", "name", "nArgs"}                    create_window_function(..., None)
  {"op": "function", "name", "nArgs"}                  create_function(): returns its first argument
  {"op": "sql", "sql"}                                 execute().fetchall()
Outcomes: {"rows": [[value, ...], ...]}, {"ok": true} or
{"error": class name, "message": str(e)}. Values: null, {"i": "decimal"},
{"r": float}, {"t": text} or {"b": "hex"}.
"""
import json
import sqlite3
import sys


def fold(kind, state, args, sign):
    """step (sign 1) or inverse (sign -1) of the window function kinds."""
    if kind == "sum":   # numeric sum of the first argument, NULL skipped
        return state if args[0] is None else (state + args[0] if sign > 0 else state - args[0])
    if kind == "count":   # how many arguments were not NULL
        return state + sign * sum(a is not None for a in args)
    if kind == "first":   # the frame's values, oldest first
        return state + [args[0]] if sign > 0 else state[1:]
    raise ValueError(kind)


INITIAL = {"sum": 0, "count": 0, "first": []}


def has_four(args):
    return any(type(a) is int and a == 4 for a in args)


def window_class(kind, defect):
    class Window:
        def __init__(self):
            self.state = INITIAL[kind]

        def step(self, *args):
            if defect == "step throws" and has_four(args):
                raise ValueError("step")
            self.state = fold(kind, self.state, args, 1)

        def inverse(self, *args):
            if defect == "inverse throws" and has_four(args):
                raise ValueError("inverse")
            self.state = fold(kind, self.state, args, -1)

        def value(self):
            if defect == "value throws":
                raise ValueError("value")
            if defect == "value unsupported":
                return object()
            if defect == "value too large":
                return 2 ** 63
            if kind == "first":
                return self.state[0] if self.state else None
            return self.state

        def finalize(self):
            if defect == "finalize throws":
                raise ValueError("finalize")
            if defect == "finalize unsupported":
                return object()
            if defect == "finalize too large":
                return 2 ** 63
            if kind == "first":
                return self.state[-1] if self.state else None
            return self.value()   # QAsyncSqlite's default finalize

    if defect == "no inverse":
        del Window.inverse
    return Window


def tagged(value):
    if value is None:
        return None
    if isinstance(value, int):
        return {"i": str(value)}
    if isinstance(value, float):
        return {"r": value}
    if isinstance(value, str):
        return {"t": value}
    return {"b": bytes(value).hex()}


def run(con, step):
    op = step["op"]
    if op == "window":
        con.create_window_function(step["name"], step["nArgs"], window_class(step["kind"], step["defect"]))
    elif op == "remove":
        con.create_window_function(step["name"], step["nArgs"], None)
    elif op == "function":
        con.create_function(step["name"], step["nArgs"], lambda *args: args[0] if args else None)
    else:
        return {"rows": [[tagged(v) for v in row] for row in con.execute(step["sql"]).fetchall()]}
    return {"ok": True}


def main():
    program = json.loads(sys.argv[1])
    con = sqlite3.connect(":memory:")
    con.executescript(program["setup"])
    outcomes = []
    for step in program["steps"]:
        try:
            outcomes.append(run(con, step))
        except sqlite3.Error as e:
            outcomes.append({"error": type(e).__name__, "message": str(e)})
    json.dump(outcomes, sys.stdout)


main()
