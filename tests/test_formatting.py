from fupin_core import formatting as f


def test_numbers_and_units():
    assert f.number(1234567.8) == "1,234,568"
    assert f.smart_number(12600) == "12,600"
    assert f.smart_number(27.4230, 3) == "27.423"
    assert f.percent(0.90055) == "90.1%"
    assert f.percent(None) == "—"
    assert f.money_wan(19840) == "19,840万元"
    assert f.money_wan(210000) == "21亿元"
    assert f.money_yuan(4500) == "4,500元"
    assert f.money_yuan(60000) == "6万元"


def test_markdown_literal_escapes_every_markdown_and_html_trigger():
    from fupin_core.formatting import markdown_literal

    text = "[点我](http://e.x) ![图](http://e.x/a.png) <b>粗</b> **粗** _斜_ `码` # 标题 :red[红] $x$\n\n- 列表"
    escaped = markdown_literal(text)
    assert "\n" not in escaped
    for trigger in ("[", "]", "(", ")", "!", "<", ">", "*", "_", "`", "#", ":", "$", "-"):
        assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch == trigger), trigger
    assert escaped.replace("\\", "") == " ".join(text.split())  # the same characters, shown as typed
    assert markdown_literal("牧护关镇") == "牧护关镇" and markdown_literal(None) == ""
