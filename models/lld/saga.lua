-- Reference solution of the saga exercise (docs/exercises/saga.md).
--
-- An orchestrated saga: a business transaction split into local steps, each paired with a
-- compensation that semantically undoes it (refund a charge, release a reservation). There is
-- no distributed rollback; when step k fails, the orchestrator runs the compensations of the
-- steps that completed, k-1 down to 1, in reverse order.
--
-- Each step is a command object (the command pattern): it carries its action and its undo, and
-- the orchestrator runs and undoes commands without knowing what they do. The orchestrator
-- keeps a log of everything it did, the record an operator reads when a compensation could not
-- be done and someone must finish it by hand.

local Saga = {}
Saga.__index = Saga

--- Saga.new(name [, { retries = n }]): an empty saga; a failing compensation is tried 1 + n times.
function Saga.new(name, opts)
  if type(name) ~= "string" or name == "" then
    error(string.format("name must be a non-empty string (got %s)", tostring(name)), 2)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("options must be a table { retries = n }", 2) end
  local retries = opts.retries == nil and 0 or opts.retries
  if math.type(retries) ~= "integer" or retries < 0 then
    error(string.format("retries must be a non-negative integer (got %s)", tostring(retries)), 2)
  end
  return setmetatable({ name = name, retries = retries, steps = {}, names = {} }, Saga)
end

--- saga:step(name, action [, compensation]): appends a step; returns the saga for chaining.
function Saga:step(name, action, compensation)
  if type(name) ~= "string" or name == "" then
    error(string.format("step name must be a non-empty string (got %s)", tostring(name)), 2)
  end
  if self.names[name] then error(string.format("step %q is already in saga %q", name, self.name), 2) end
  if type(action) ~= "function" then
    error(string.format("step %q: action must be a function (got %s)", name, type(action)), 2)
  end
  if compensation ~= nil and type(compensation) ~= "function" then
    error(string.format("step %q: compensation must be a function or nil (got %s)", name,
      type(compensation)), 2)
  end
  self.names[name] = true
  self.steps[#self.steps + 1] = { name = name, action = action, compensation = compensation }
  return self
end

-- tostring that cannot itself fail: an error object whose __tostring raises is still logged.
local function message(err)
  local ok, s = pcall(tostring, err)
  return ok and type(s) == "string" and s or "(error object)"
end

-- Runs a step's compensation, retrying; true when it succeeded within 1 + retries attempts.
local function compensate(self, step, ctx, log)
  for _ = 1, 1 + self.retries do
    log[#log + 1] = "undo " .. step.name
    local ok, err = pcall(step.compensation, ctx)
    if ok then
      log[#log + 1] = "undone " .. step.name
      return true
    end
    log[#log + 1] = "undo failed " .. step.name .. ": " .. message(err)
  end
  log[#log + 1] = "gave up " .. step.name
  return false
end

--- saga:run([ctx]): runs the steps in order with ctx (a fresh table when nil). Returns
--- { status = "completed" | "compensated" | "failed", failed_step, error, log }.
function Saga:run(ctx)
  ctx = ctx == nil and {} or ctx
  local log = {}
  for k, step in ipairs(self.steps) do
    log[#log + 1] = "run " .. step.name
    local ok, err = pcall(step.action, ctx)
    if ok then
      log[#log + 1] = "done " .. step.name
    else
      local msg = message(err)
      log[#log + 1] = "fail " .. step.name .. ": " .. msg
      local all_undone = true
      for j = k - 1, 1, -1 do
        local done = self.steps[j]
        if done.compensation and not compensate(self, done, ctx, log) then all_undone = false end
      end
      return { status = all_undone and "compensated" or "failed", failed_step = step.name,
               error = msg, log = log }
    end
  end
  return { status = "completed", log = log }
end

return { Saga = Saga }
