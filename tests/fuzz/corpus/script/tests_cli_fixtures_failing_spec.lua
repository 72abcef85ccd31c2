-- failing_spec.lua - one spec that holds and one that does not.
describe("numbers", function()
  it("holds", function()
    expect(2):to_be(2)
  end)
  it("does not hold", function()
    expect(2):to_be(3)
  end)
end)
