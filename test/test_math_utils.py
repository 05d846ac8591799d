"""autogen.math_utils: boxed answers, formatting-insensitive equivalence, voting."""

from autogen.math_utils import eval_math_responses, get_answer, is_equiv, voting_counts


def test_answer_is_the_last_boxed_expression() -> None:
    assert get_answer("First \\boxed{1}, finally \\boxed{\\frac{2}{3}}.") == "\\frac{2}{3}"
    assert get_answer("no box here") is None
    assert get_answer(None) is None


def test_equivalence_ignores_formatting() -> None:
    assert is_equiv("\\dfrac12", "1/2") == 1.0
    assert is_equiv("0.5", "\\frac{1}{2}") == 1.0
    assert is_equiv("x = 3", "3") == 1.0
    assert is_equiv("90^\\circ", "90") == 1.0
    assert is_equiv("\\sqrt3", "\\sqrt{3}") == 1.0
    assert is_equiv("10\\%", "10") == 1.0
    assert is_equiv("3", "4") == 0.0
    assert is_equiv(None, "4") == 0.0 and is_equiv(None, None) == 1.0


def test_voting_picks_the_majority_answer_and_scores_it() -> None:
    responses = ["so \\boxed{1/2}", "thus \\boxed{\\frac{1}{2}}", "I think \\boxed{3}", "no answer"]
    assert voting_counts(responses) == {0: 2, 2: 1}
    result = eval_math_responses(responses, solution="The answer is \\boxed{0.5}")
    assert result["voted_answer"] == responses[0] and result["votes"] == 2
    assert result["success"] is True and result["success_vote"] == 1.0
    assert abs(result["expected_success"] - (1 - 0.5**4)) < 1e-9
    assert eval_math_responses([])["voted_answer"] is None
