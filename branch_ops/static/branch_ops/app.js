// The page's few behaviours, here and not inline, so the Content-Security-Policy can forbid
// inline script (branch_ops/security.py).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});
