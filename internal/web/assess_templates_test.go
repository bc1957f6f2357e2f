package web

func init() {
	templateViews["a_welcome"] = AssessWelcomePage{}
	templateViews["a_question"] = AssessQuestionPage{}
	templateViews["a_review"] = AssessReviewPage{}
	templateViews["a_status"] = AssessStatusPage{}
}
