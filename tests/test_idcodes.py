from fupin_core.idcodes import credit_check_char, credit_code_problem, id_check_char, id_problem

# Public specimen numbers from the standards' worked examples.
ID_SPECIMEN = "11010519491231002X"
CREDIT_SPECIMEN = "91350100M000100Y43"


def test_id_check_char():
    assert id_check_char(ID_SPECIMEN[:17]) == "X"
    assert id_problem(ID_SPECIMEN) is None
    assert "校验位" in id_problem(ID_SPECIMEN[:17] + "1")
    assert "18位" in id_problem("12345")
    assert "出生日期" in id_problem("110105194902300021")


def test_credit_code():
    assert credit_check_char(CREDIT_SPECIMEN[:17]) == "3"
    assert credit_code_problem(CREDIT_SPECIMEN) is None
    body = "91611002MA0000001"
    code = body + credit_check_char(body)
    assert credit_code_problem(code) is None
    wrong = body + ("0" if code[-1] != "0" else "1")
    assert credit_code_problem(wrong)[0] == "warning"
    assert credit_code_problem("91611002MA00000O1X")[0] == "error"
    assert credit_code_problem("123")[0] == "error"
