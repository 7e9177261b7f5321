import QtQuick
import QtTest
import FastThreadPool

// The ThreadPool QML type: results of every data type, failures with their lines, map,
// cancel and interrupt, timers, refused arguments, parallelism, the bindable properties.
// Synchronised on signals and properties with deadlines; no sleeps.
TestCase {
    id: testCase
    name: "ThreadPool"

    property int observedBusy: pool.busy // a binding on a bindable property
    property QtObject doomed // cleared when the object it holds is destroyed

    ThreadPool {
        id: pool
        maxChildren: 2
        source: "jobs.js"
    }

    SignalSpy {
        id: doneSpy
        target: pool
        signalName: "done"
    }

    SignalSpy {
        id: failedSpy
        target: pool
        signalName: "failed"
    }

    SignalSpy {
        id: idleSpy
        target: pool
        signalName: "idle"
    }

    SignalSpy {
        id: cancelledSpy
        target: pool
        signalName: "jobCancelled"
    }

    SignalSpy {
        id: progressSpy
        target: pool
        signalName: "progress"
    }

    Component {
        id: poolComponent
        ThreadPool {
            source: "jobs.js"
        }
    }

    function square(x) {
        return x * x;
    }

    function init() {
        pool.cancelAll();
        tryCompare(pool, "pending", 0);
        pool.resume();
        doneSpy.clear();
        failedSpy.clear();
        idleSpy.clear();
        cancelledSpy.clear();
        progressSpy.clear();
    }

    // Waits for jobCancelled(id).
    function waitCancelled(id) {
        tryVerify(() => cancelledSpy.signalArguments.some(args => args[0] === id), 5000,
                  "no jobCancelled for job " + id);
    }

    // The outcome of job `id` from the spy of `signal`: waits for it.
    function outcome(spy, id) {
        let found;
        tryVerify(() => {
            for (const args of spy.signalArguments) {
                if (args[0] === id) {
                    found = args[1];
                    return true;
                }
            }
            return false;
        }, 5000, "no outcome for job " + id);
        return found;
    }

    // Waits until `p` runs `count` jobs and none waits: the jobs have left the queue.
    function waitRunning(p, count) {
        tryVerify(() => p.busy === count && p.waiting().length === 0, 5000,
                  "waiting for " + count + " running jobs");
    }

    function resultOf(id) {
        return outcome(doneSpy, id);
    }

    function errorOf(id) {
        return outcome(failedSpy, id);
    }

    function test_dataTypes_data() {
        return [
            { tag: "integer", value: 42, type: "number" },
            { tag: "double", value: -2.5, type: "number" },
            { tag: "string", value: "grüße ☃", type: "string" },
            { tag: "empty string", value: "", type: "string" },
            { tag: "true", value: true, type: "boolean" },
            { tag: "false", value: false, type: "boolean" },
            { tag: "null", value: null, type: "null" },
            { tag: "undefined", value: undefined, type: "undefined" },
            { tag: "array", value: [1, "two", [3, null]], type: "array" },
            { tag: "object", value: { a: 1, b: { c: [true, "x"] } }, type: "object" },
            { tag: "date", value: new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250)), type: "date" }
        ];
    }

    function test_dataTypes(data) {
        const echoed = pool.submit("identity", data.value);
        const typed = pool.submit("typeOf", data.value);
        compare(resultOf(typed), data.type, "the type the worker saw");
        const result = resultOf(echoed);
        if (data.type === "date")
            compare(result.getTime(), data.value.getTime());
        else
            compare(result, data.value);
        compare(failedSpy.count, 0);
    }

    function test_dataTypes_arrayBuffer() {
        const bytes = new Uint8Array([0, 1, 254, 255]);
        const typed = pool.submit("typeOf", bytes.buffer);
        const echoed = pool.submit("identity", bytes.buffer);
        compare(resultOf(typed), "arraybuffer");
        const result = resultOf(echoed);
        verify(result instanceof ArrayBuffer, "an ArrayBuffer comes back");
        compare(Array.from(new Uint8Array(result)), [0, 1, 254, 255]);
    }

    function test_functionForms() {
        const inline = pool.submit(function (a, b) {
            return a * b;
        }, 6, 7);
        const arrow = pool.submit(x => x + 1, 1);
        const text = pool.submit("(a, b) => a - b", 5, 3);
        const byName = pool.submit("add", 1, 2);
        const dotted = pool.submit("lib.twice", 21);
        const declared = pool.submit(square, 9);
        const cpp = pool.submit("nativeSum", 1, 2, 3.5);
        compare(resultOf(inline), 42);
        compare(resultOf(arrow), 2);
        compare(resultOf(text), 2);
        compare(resultOf(byName), 3);
        compare(resultOf(dotted), 42);
        compare(resultOf(declared), 81);
        compare(resultOf(cpp), 6.5);
        compare(failedSpy.count, 0);
    }

    function test_functionsOnOneLine() {
        const ids = [pool.submit(x => x + 100, 1), pool.submit((x, y) => x * y, 3, 4)];
        compare(resultOf(ids[0]), 101, "told apart by their arity");
        compare(resultOf(ids[1]), 12);
        const same = [pool.submit(x => x + 1, 1), pool.submit(x => x - 1, 1)];
        for (const id of same)
            verify(errorOf(id).message.indexOf("separate lines") >= 0);
    }

    function test_manyArguments() {
        const id = pool.submit((a, b, c, d, e, f, g, h) => [a, b, c, d, e, f, g, h].join(""),
                               1, 2, 3, 4, 5, 6, 7, 8);
        compare(resultOf(id), "12345678");
        const holes = pool.submit((...args) => args.length, 1, undefined, 3);
        compare(resultOf(holes), 3, "an undefined between arguments counts");
    }

    function test_exceptionFromSource() {
        const id = pool.submit("fails", "boom");
        const error = errorOf(id);
        compare(error.name, "TypeError");
        compare(error.message, "boom");
        compare(error.lineNumber, 23);
        verify(error.fileName.endsWith("jobs.js"), error.fileName);
        verify(error.fileName.indexOf("file:file:") < 0, "the scheme doubled: " + error.fileName);
        verify(error.stack.indexOf("file:file:") < 0, "the scheme doubled: " + error.stack);
        verify(error.stack.indexOf("jobs.js:23") >= 0, error.stack);
        compare(doneSpy.count, 0);
    }

    function test_exceptionInline() {
        const line = new Error().lineNumber;
        const id = pool.submit(function () {
            throw new RangeError("inline");
        });
        const error = errorOf(id);
        compare(error.name, "RangeError");
        compare(error.message, "inline");
        compare(error.lineNumber, line + 2, "the line in this file");
        verify(error.fileName.endsWith("tst_threadpool.qml"), error.fileName);
        verify(error.fileName.indexOf("file:file:") < 0, "the scheme doubled: " + error.fileName);
        verify(error.stack.indexOf("tst_threadpool.qml:" + (line + 2)) >= 0, error.stack);
    }

    function test_exceptionNotAnError() {
        const error = errorOf(pool.submit(() => { throw 42; }));
        compare(error.name, "Error");
        verify(error.message.indexOf("42") >= 0, error.message);
    }

    function test_exceptionNative() {
        const error = errorOf(pool.submit("nativeThrow", "from C++"));
        compare(error.name, "std::runtime_error");
        compare(error.message, "from C++");
    }

    function test_syntaxError() {
        const error = errorOf(pool.submit("(a) => { return a +; }", 1));
        compare(error.name, "SyntaxError");
    }

    function test_unknownName() {
        const error = errorOf(pool.submit("noSuchFunction", 1));
        compare(error.name, "ReferenceError");
        verify(error.message.indexOf("noSuchFunction") >= 0, error.message);
    }

    function test_rejected_data() {
        return [
            { tag: "QObject", fn: "identity", arg: pool, words: ["argument 1", "QObject"] },
            { tag: "function", fn: "identity", arg: () => 1, words: ["argument 1", "function"] },
            { tag: "nested function", fn: "identity", arg: { a: { b: [1, () => 2] } },
              words: ["argument 1.a.b[1]", "function"] },
            { tag: "Map", fn: "identity", arg: new Map(), words: ["Map"] },
            { tag: "Error", fn: "identity", arg: new Error("e"), words: ["Error"] },
            { tag: "typed array", fn: "identity", arg: new Uint8Array(2), words: ["Uint8Array"] },
            { tag: "not a function", fn: 42, arg: 1, words: ["function"] },
            { tag: "result is a function", fn: "returnsFunction", arg: 1,
              words: ["result", "function"] }
        ];
    }

    function test_rejected(data) {
        const id = pool.submit(data.fn, data.arg);
        verify(id > 0, "a refused job still gets an id");
        const error = errorOf(id);
        compare(error.name, "TypeError");
        for (const word of data.words)
            verify(error.message.indexOf(word) >= 0, error.message);
        compare(doneSpy.count, 0);
    }

    function test_map() {
        const ids = pool.map(x => x * 10, [1, 2, 3, 4, 5]);
        compare(ids.length, 5);
        for (let i = 0; i < ids.length; ++i)
            compare(resultOf(ids[i]), (i + 1) * 10);
        const named = pool.map("typeOf", [1, "s", null]);
        compare(named.map(id => resultOf(id)), ["number", "string", "null"]);
    }

    function test_cancelAndInterrupt() {
        const first = pool.submit("forever");
        const second = pool.submit(function () {
            while (true) {
            }
        });
        waitRunning(pool, 2);
        const queued = pool.submit("identity", "never");
        compare(pool.waiting(), [queued]);
        verify(pool.cancel(queued), "a pending job is dropped");
        verify(!pool.cancel(queued), "only once");
        verify(pool.cancel(first), "a running JavaScript job is interrupted");
        verify(pool.cancel(second));
        for (const id of [first, second])
            waitCancelled(id); // cancelled, not failed
        tryCompare(pool, "busy", 0);
        compare(failedSpy.count, 0);
        // The workers go on with fresh engines.
        compare(resultOf(pool.submit("add", 2, 3)), 5);
        compare(doneSpy.signalArguments.filter(args => args[0] === queued).length, 0);
        verify(!pool.cancel(123456789), "an unknown id");
    }

    function test_cancelAll() {
        const ids = [pool.submit("forever"), pool.submit("forever")];
        waitRunning(pool, 2);
        const queued = pool.submit("identity", 1);
        pool.cancelAll();
        for (const id of ids)
            waitCancelled(id);
        tryCompare(pool, "pending", 0);
        compare(failedSpy.count, 0);
        compare(doneSpy.signalArguments.filter(args => args[0] === queued).length, 0);
    }

    function test_submitFirst() {
        const blocker = pool.submit("spin", 100);
        const blocker2 = pool.submit("spin", 100);
        const last = pool.submit("identity", "last");
        const first = pool.submitFirst("identity", "first");
        resultOf(last);
        resultOf(first);
        const order = doneSpy.signalArguments.map(args => args[0]);
        verify(order.indexOf(first) < order.indexOf(last), "submitFirst runs before " + order);
        resultOf(blocker);
        resultOf(blocker2);
    }

    function test_timers() {
        const start = Date.now();
        pool.submitLater(50, "identity", "later");
        tryVerify(() => doneSpy.signalArguments.some(args => args[1] === "later"), 5000);
        verify(Date.now() - start >= 45, "ran after its delay");

        pool.submitAt(new Date(Date.now() + 30), 0, x => x + "!", "at");
        tryVerify(() => doneSpy.signalArguments.some(args => args[1] === "at!"), 5000);

        const handle = pool.schedule(20, "identity", "tick");
        tryVerify(() => doneSpy.signalArguments.filter(args => args[1] === "tick").length >= 3,
                  5000);
        verify(pool.cancelTimer(handle), "a periodic timer is live until cancelled");
        verify(!pool.cancelTimer(handle));

        const never = pool.submitLater(60000, "identity", "never");
        verify(pool.cancelTimer(never));
    }

    function test_timerErrors() {
        let thrown = "";
        try {
            pool.submitLater(-1, "identity", 1);
        } catch (e) {
            thrown = e.message;
        }
        verify(thrown.length > 0, "a negative delay throws");
    }

    function test_parallelism() {
        // Warm both workers (thread start, engine creation, loading jobs.js).
        const warm = [pool.submit("spin", 50), pool.submit("spin", 50)];
        for (const id of warm)
            resultOf(id);
        tryCompare(pool, "alive", 2);
        const start = Date.now();
        const ids = [pool.submit("spin", 300), pool.submit("spin", 300)];
        for (const id of ids)
            resultOf(id);
        const elapsed = Date.now() - start;
        verify(elapsed < 450, "two 300 ms jobs on 2 workers took " + elapsed + " ms");
    }

    function test_properties() {
        compare(pool.maxChildren, 2);
        const submittedBefore = pool.submitted;
        const completedBefore = pool.completed;
        const ids = [pool.submit("forever"), pool.submit("forever")];
        waitRunning(pool, 2);
        tryCompare(testCase, "observedBusy", 2);
        compare(pool.alive, 2);
        compare(pool.childCount, 2);
        tryCompare(pool, "pending", 2);
        tryVerify(() => pool.submitted >= submittedBefore + 2);
        const cancelledBefore = pool.cancelled;
        for (const id of ids)
            verify(pool.cancel(id));
        for (const id of ids)
            waitCancelled(id);
        tryCompare(pool, "busy", 0);
        tryCompare(testCase, "observedBusy", 0);
        tryCompare(pool, "pending", 0);
        tryCompare(pool, "cancelled", cancelledBefore + 2);
        compare(pool.completed, completedBefore, "cancelled jobs do not count as completed");
        idleSpy.wait(5000);
    }

    function test_moduleSource() {
        const p = poolComponent.createObject(testCase, { source: "jobs.mjs", maxChildren: 1 }) as ThreadPool;
        const spy = createTemporaryObject(signalSpyComponent, testCase, { target: p });
        const id = p.submit("triple", 14);
        tryCompare(spy, "count", 1);
        compare(spy.signalArguments[0][0], id);
        compare(spy.signalArguments[0][1], 42);
        p.destroy();
    }

    Component {
        id: signalSpyComponent
        SignalSpy {
            signalName: "done"
        }
    }

    function test_sourceChange() {
        const p = createTemporaryObject(poolComponent, testCase, { maxChildren: 1 }) as ThreadPool;
        const spy = createTemporaryObject(signalSpyComponent, testCase, { target: p });
        p.submit("add", 40, 2);
        tryCompare(spy, "count", 1);
        compare(spy.signalArguments[0][1], 42);
        p.source = "jobs.mjs"; // the worker's engine reloads before its next job
        p.submit("triple", 5);
        tryCompare(spy, "count", 2);
        compare(spy.signalArguments[1][1], 15);
    }

    function test_optionsFixedOnceStarted() {
        const p = createTemporaryObject(poolComponent, testCase, { maxChildren: 1 }) as ThreadPool;
        ignoreWarning(new RegExp("maxChildren is read when the pool starts"));
        p.maxChildren = 3;
        compare(p.maxChildren, 1);
    }

    function test_resultIdOff() {
        const p = createTemporaryObject(poolComponent, testCase, { resultId: false }) as ThreadPool;
        const spy = createTemporaryObject(signalSpyComponent, testCase, { target: p });
        verify(p.submit("identity", 7) > 0);
        tryCompare(spy, "count", 1);
        compare(spy.signalArguments[0][0], 0);
        compare(spy.signalArguments[0][1], 7);
    }

    function test_shutdownSoon() {
        const p = createTemporaryObject(poolComponent, testCase, { maxChildren: 1 }) as ThreadPool;
        const cancelled = createTemporaryObject(signalSpyComponent, testCase,
                                                { target: p, signalName: "jobCancelled" });
        const id = p.submit("forever");
        waitRunning(p, 1);
        verify(p.shutdown(10000, true), "the running job is interrupted, the worker ends");
        tryCompare(cancelled, "count", 1);
        compare(cancelled.signalArguments[0][0], id);
        let thrown = false;
        try {
            p.submit("identity", 1);
        } catch (e) {
            thrown = true;
        }
        verify(thrown, "a stopped pool refuses jobs");
    }

    function test_progressFromInsideAJob() {
        const id = pool.submit(function (steps) {
            for (let i = 0; i <= steps; ++i)
                progress(i, steps, "step " + i);
            return steps;
        }, 50);
        compare(resultOf(id), 50);
        // Coalesced: at most one per 16 ms, the last report always arrives.
        tryVerify(() => progressSpy.signalArguments.some(args => args[0] === id && args[1] === 50),
                  5000, "the last progress report arrives");
        const last = progressSpy.signalArguments.filter(args => args[0] === id).pop();
        compare(last[2], 50);
        compare(last[3], "step 50");
    }

    function test_progressOutOfRangeIsARangeError() {
        const error = errorOf(pool.submit(function () { progress(5, 2); }));
        compare(error.name, "RangeError");
        verify(error.message.indexOf("0..maximum") >= 0, error.message);
    }

    function test_cancelledIsFalseInAJobNobodyCancelled() {
        compare(resultOf(pool.submit(function () { return cancelled(); })), false);
    }

    function test_suspendHoldsQueuedJobs() {
        verify(pool.suspend());
        verify(pool.suspended);
        verify(!pool.suspend(), "already suspended");
        const id = pool.submit("identity", "held");
        tryCompare(pool, "pending", 1);
        compare(pool.busy, 0, "a suspended pool starts no job");
        compare(doneSpy.count, 0);
        verify(pool.resume());
        verify(!pool.suspended);
        compare(resultOf(id), "held");
    }

    function test_destroyWhileRunning() {
        const p = poolComponent.createObject(testCase, { maxChildren: 1 }) as ThreadPool;
        p.submit("forever");
        waitRunning(p, 1);
        testCase.doomed = p;
        p.destroy(); // must interrupt the job, else the test hangs until ctest's timeout
        tryVerify(() => testCase.doomed === null, 5000);
    }
}
