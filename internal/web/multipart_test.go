package web_test

import (
	"io"
	"mime/multipart"
)

func multipartWriter(w io.Writer) *multipart.Writer { return multipart.NewWriter(w) }
