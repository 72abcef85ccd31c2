-- classes_spec: dk.classes from Lua: declarations, relations, the checks, the Mermaid and DOT
-- texts, drawing under the sandbox's write guard, errors at the caller's line, annotations.
local dk = require "designkit"

local function bank()
  local d = dk.classes "bank"
  d:interface { name = "Account", methods = { "+deposit(amount: int)", "+balance(): int" } }
  d:class { name = "Base", abstract = true,
            fields = { "-balance: int", { "#opened: int", static = true } },
            methods = { { "+describe(): string", abstract = true } } }
  d:class { name = "Savings", fields = { "-rate: double" } }
  d:class { name = "Bank" }
  d:enum { name = "Kind", values = { "SAVINGS", "CHECKING" } }
  d:inherits("Savings", "Base")
  d:realizes("Base", "Account")
  d:composes("Bank", "Base", { mult = "0..*", role = "accounts", from_mult = "1" })
  d:aggregates("Bank", "Kind")
  d:associates("Savings", "Kind", { navigable = true, label = "of" })
  d:depends("Bank", "Account")
  return d
end

local function has(text, piece)
  if not text:find(piece, 1, true) then error(("%q not found in:\n%s"):format(piece, text), 2) end
end

describe("dk.classes", function()
  it("declares types and relations and checks them", function()
    local d = bank()
    expect(d:check()):to_be(true)
    expect(tostring(d)):to_equal('class diagram "bank" (5 types, 6 relations)')
    -- declarations chain: each returns the diagram
    local e = dk.classes()
    expect(e:class { name = "A" }:class { name = "B" }:inherits("B", "A")):to_be(e)
    expect(e:check()):to_be(true)
  end)

  it("writes Mermaid classDiagram text", function()
    local text = bank():mermaid()
    has(text, "---\ntitle: bank\n---\nclassDiagram\n")
    has(text, "    class Account {\n        <<interface>>\n        +deposit(amount: int)\n")
    has(text, "        <<abstract>>\n        -balance: int\n        #opened: int$\n"
              .. "        +describe(): string*\n")
    has(text, "        <<enumeration>>\n        SAVINGS\n        CHECKING\n")
    for _, line in ipairs { "Base <|-- Savings", "Account <|.. Base",
                            'Bank "1" *-- "accounts 0..*" Base', "Bank o-- Kind",
                            "Savings --> Kind : of", "Bank ..> Account" } do
      has(text, "    " .. line .. "\n")
    end
  end)

  it("writes DOT with UML arrowheads and compartments", function()
    local dot = bank():dot()
    has(dot, "Base -> Savings")
    has(dot, "arrowtail=empty")
    has(dot, "arrowtail=diamond")
    has(dot, "arrowtail=odiamond")
    has(dot, "style=dashed")
    has(dot, "headlabel=<accounts<br/>0..*>")
    has(dot, "\u{AB}interface\u{BB}")
    has(dot, "<u>#opened: int</u>")
    has(dot, "<i>+describe(): string</i>")
  end)

  it("draws inside the allowed folder and not elsewhere", function()
    local out = assert(os.getenv("DK_SPEC_OUT"), "run by ctest, which sets DK_SPEC_OUT")
    local path = out .. "/classes_spec.svg"
    expect(bank():draw(path)):to_be(true)
    local f = assert(io.open(path, "r"))
    local svg = f:read("a")
    f:close()
    has(svg, "<svg")
    has(svg, "Savings")
    local ok, why = bank():draw("/tmp/designkit-not-allowed.svg")
    expect(ok):to_be(nil)
    expect(type(why)):to_be("string")
    expect(function() bank():draw(out .. "/x.bmp") end):to_fail("unknown format")
  end)

  it("reports a diagram that does not hold together", function()
    local d = bank()
    d:associates("Bank", "Acount")
    local ok, why = d:check()
    expect(ok):to_be(nil)
    expect(why):to_equal('class diagram "bank": relation 7 (Bank associates Acount): '
                         .. 'unknown class "Acount"')
    expect(function() d:mermaid() end):to_fail('classes_spec.lua:%d+: .*unknown class "Acount"')
    expect(function() d:dot() end):to_fail("unknown class")
    local c = dk.classes "c"
    c:class { name = "A" }:class { name = "B" }:inherits("A", "B"):inherits("B", "A")
    expect(select(2, c:check())):to_equal('class diagram "c": inheritance cycle: A -> B -> A')
    c = dk.classes "r"
    c:class { name = "A" }:class { name = "B" }:realizes("A", "B")
    expect(select(2, c:check())):to_match("A realizes B, which is not an interface")
  end)

  it("raises on bad declarations at the caller's line", function()
    local d = bank()
    expect(function() d:class { name = "Base" } end)
      :to_fail('classes_spec.lua:%d+: class diagram "bank": duplicate name "Base"')
    expect(function() d:class { name = "X", feilds = {} } end)
      :to_fail('classes_spec.lua:%d+: class: unknown option "feilds"; did you mean "fields"?')
    expect(function() d:enum { name = "E", abstract = true } end):to_fail('unknown option "abstract"')
    expect(function() d:class { name = "Y", methods = { "+run" } } end)
      :to_fail('classes_spec.lua:%d+: class "Y": method "%+run" needs its parameter list')
    expect(function() d:class { name = "Z", fields = { { "x: int", statik = true } } } end)
      :to_fail('"Z": fields%[1%]: unknown key statik')
    expect(function() d:class { name = "W", fields = { 5 } } end)
      :to_fail("must be a string or a table")
    expect(function() d:class { abstract = true } end):to_fail("class: name is missing")
    expect(function() d:composes("Bank", "Base", { mult = "1..0" }) end)
      :to_fail('classes_spec.lua:%d+: relation Bank composes Base: bad multiplicity "1..0" at Base')
    expect(function() d:composes("Bank", "Base", { mult = "many" }) end):to_fail("bad multiplicity")
    expect(function() d:inherits("Bank", "Base", {}) end):to_fail("takes no options")
    expect(function() d:depends("Bank", "Base", { navigable = true }) end)
      :to_fail("only an association has a navigable end")
    expect(function() d:associates("Bank", "Base", { rol = "x" }) end)
      :to_fail('unknown option "rol"; did you mean "role"?')
    d:close()
    expect(function() d:check() end):to_fail("closed")
  end)

  it("is described by the editor annotations", function()
    local f = assert(io.open("bindings/lua/meta/designkit.lua", "r"))
    local meta = f:read("a")
    f:close()
    expect(meta:find("function dk.classes(", 1, true) ~= nil):to_be(true)
    local mt = getmetatable(dk.classes())
    for name, v in pairs(mt.__index) do
      if type(v) == "function" then
        expect(meta:find("function ClassDiagram:" .. name .. "(", 1, true) ~= nil):to_be(true)
      end
    end
  end)
end)
