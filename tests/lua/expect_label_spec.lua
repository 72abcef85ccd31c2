-- expect_label_spec.lua - designkit.spec's expect(v, label): the label goes in front of the
-- failure message, which keeps the caller's file:line; without tagging (designkit test) a failed
-- expect raises a string as before; with tagging (the exercise runner) a FAILURE object that
-- is_failure tells from any other error.
local spec = require "designkit.spec"

describe("expect(v, label)", function()
  it("puts the label in front of the message", function()
    local ok, err = pcall(function() spec.expect(1, "the count after two puts"):to_be(2) end)
    expect(ok):to_be(false)
    expect(err):to_match("the count after two puts: expected 2, got 1")
  end)

  it("keeps the caller's file:line as a plain string (designkit test)", function()
    local line = here()
    local ok, err = pcall(function() spec.expect("a"):to_equal("b") end)
    expect(ok):to_be(false)
    expect(type(err)):to_be("string")
    expect(err):to_match(line:match("^(.-:)%d+: $"))
  end)

  it("without a label reads as before", function()
    local ok, err = pcall(function() spec.expect(3):to_be_less_than(2) end)
    expect(ok):to_be(false)
    expect(err):to_match("expected 3 to be less than 2")
    expect(err:find(": : ", 1, true)):to_be(nil)
  end)
end)

describe("tag_failures", function()
  it("raises a FAILURE object that is_failure recognises, then plain strings again", function()
    spec.tag_failures(true)
    local ok, err = pcall(function() spec.expect(1, "label"):to_be(2) end)
    local ok2, other = pcall(error, "not an expectation")
    spec.tag_failures(false)
    expect(ok):to_be(false)
    expect(spec.is_failure(err)):to_be(true)
    expect(tostring(err)):to_match("label: expected 2, got 1")
    expect(tostring(err)):to_match("expect_label_spec.lua:")
    expect(ok2):to_be(false)
    expect(spec.is_failure(other)):to_be(false)
    expect(spec.is_failure({ message = "forged" })):to_be(false)
    local ok3, err3 = pcall(function() spec.expect(1):to_be(2) end)
    expect(ok3):to_be(false)
    expect(type(err3)):to_be("string")
  end)
end)
