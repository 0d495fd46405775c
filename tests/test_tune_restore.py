"""bench/tune_restore.py sorts what a restoration left wrong into the three kinds its grid reports."""

from __future__ import annotations

from tune_restore import residual_kinds


def test_a_spun_form_left_standing_is_left():
    # 人 was spun as 东谈主 (and 道 as 谈); the restorer put 道 back and left 东谈主
    assert residual_kinds("我们知道人民", "我们知谈东谈主民", "我们知道东谈主民") == {"left": 1}


def test_a_genuine_word_changed_is_genuine():
    assert residual_kinds("职工的工资", "职工的工资", "员工的工资") == {"genuine": 1}


def test_a_spun_form_given_another_original_is_wrong():
    assert residual_kinds("时间到了", "期间到了", "技术到了") == {"wrong": 1}


def test_a_full_repair_leaves_nothing():
    assert residual_kinds("时间到了", "期间到了", "时间到了") == {}
