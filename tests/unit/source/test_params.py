"""`#@param` lines: Colab's syntax parsed, values exact to the step, bad lines rejected with their line."""

from __future__ import annotations

import pytest
from slidesite.source.cells import Cell, CellOptionError, find_cells
from slidesite.source.params import check_count, combinations, describe, find_params, with_values


def cell(code: str, options: str = "") -> Cell:
    return find_cells(f"# t\n\n```python run {options}\n{code}\n```\n")[0]


def test_slider_values_are_the_literals_of_the_step() -> None:
    [p] = find_params(cell('eta = 0.1  #@param {type:"slider", min:0.05, max:1.05, step:0.05}'))
    assert p.kind == "slider" and p.default == "0.1"
    assert len(p.values) == 21 and p.values[:3] == ("0.05", "0.1", "0.15") and p.values[-1] == "1.05"
    assert all("0000" not in v for v in p.values)  # never 0.15000000000000002
    [n] = find_params(cell('n = 10  #@param {type:"slider", min:5, max:100, step:5}'))
    assert n.values[:2] == ("5", "10") and n.default == "10"
    [x] = find_params(cell('x0 = 3.0  #@param {type:"slider", min:-8, max:8, step:0.5}'))
    assert x.values[0] == "-8.0" and x.default == "3.0"


def test_menu_boolean_and_number_boxes() -> None:
    code = ('method = "GD"  #@param ["GD", "Momentum", "AdaGrad"]\n'
            "lr = 0.1 # @param [0.05, 0.1, 1]\n"
            'show = True  #@param {type:"boolean"}\n'
            'n = 30  #@param {type:"integer"}\n'
            'w = 2.5  #@param {type:"number"}\n'
            "# a comment that mentions #@param is not a control\n"
            "print(method, lr, show, n, w)")
    method, lr, show, n, w = find_params(cell(code))
    assert method.values == ('"GD"', '"Momentum"', '"AdaGrad"') and method.default == '"GD"'
    assert lr.values == ("0.05", "0.1", "1") and lr.default == "0.1"
    assert show.values == ("False", "True") and show.default == "True"
    assert not n.enumerable and not w.enumerable and n.default == "30"
    params = [method, lr, show, n, w]
    assert len(combinations(params)) == 3 * 3 * 2
    assert combinations(params)[1] == ('"GD"', "0.05", "True")  # row-major, the last control fastest
    changed = with_values(code, params, ('"AdaGrad"', "1", "False"))
    assert changed.splitlines()[0] == 'method = "AdaGrad"  #@param ["GD", "Momentum", "AdaGrad"]'
    assert changed.splitlines()[1] == "lr = 1 # @param [0.05, 0.1, 1]"
    assert changed.splitlines()[3] == code.splitlines()[3]  # a number box keeps its value
    assert describe(params, ('"GD"', "1", "True")) == 'method = "GD", lr = 1, show = True'
    assert "数値を入力" in n.caption() and "GD / Momentum / AdaGrad" in method.caption()


@pytest.mark.parametrize(("code", "says"), [
    ('eta = 0.12  #@param {type:"slider", min:0.05, max:1.05, step:0.05}', "off the slider"),
    ('eta = 2.0  #@param {type:"slider", min:0.05, max:1.05, step:0.05}', "use e.g. 1.05"),
    ('eta = 0.1  #@param {type:"slider", min:0, max:1.05, step:0.1}', "whole number of steps"),
    ('eta = 0.1  #@param {type:"slider", max:1}', "needs min and max"),
    ('eta = 0.1  #@param {type:"slider", min:1, max:0}', "min < max"),
    ('eta = 0.1  #@param {type:"slidr"}', "unknown #@param type 'slidr'"),
    ('eta = 0.1  #@param {type:"slider", min:0, max:1, stepp:0.1}', "unknown keys stepp"),
    ("eta = 0.1  #@param {type:slider", "cannot read"),
    ('method = "SGD"  #@param ["GD", "Adam"]', "not one of its options"),
    ("method = 1  #@param []", "non-empty list"),
    ('show = 1  #@param {type:"boolean"}', "True"),
    ('n = 2.5  #@param {type:"integer"}', "not an integer"),
    ('x = np.pi  #@param {type:"number"}', "must be a literal"),
    ('    x = 1  #@param {type:"number"}', "top level"),
    ('print(1)  #@param {type:"number"}', "name = value"),
    ('x = 1  #@param {type:"number"}\nx = 2  #@param {type:"number"}', "already"),
])
def test_bad_lines_name_their_line_and_the_fix(code: str, says: str) -> None:
    with pytest.raises(CellOptionError) as err:
        find_params(cell(code))
    assert says in str(err.value)
    assert err.value.line == 4 + code.count("\n")  # the fence is line 3; the bad line is the last


def test_too_many_states_stop_with_the_count_and_a_hint_and_states_raises_the_limit() -> None:
    code = ('a = 0  #@param {type:"slider", min:0, max:20, step:1}\n'
            'b = 0  #@param {type:"slider", min:0, max:9, step:1}')
    with pytest.raises(CellOptionError) as err:
        check_count(cell(code), find_params(cell(code)))
    assert "210 states (a 21 × b 10), more than 200" in str(err.value) and "states=N" in str(err.value)
    assert check_count(cell(code, "states=300"), find_params(cell(code))) == 210
    with pytest.raises(CellOptionError, match="positive whole number"):
        cell(code, "states=lots")


def test_exercises_take_no_controls() -> None:
    text = ('# t\n\n```python exercise\nx = 1  #@param {type:"number"}\n```\n\n```python solution\nx = 2\n```\n\n'
            "```python check\nx\n```\n")
    with pytest.raises(CellOptionError, match="not on an exercise"):
        find_params(find_cells(text)[0])
