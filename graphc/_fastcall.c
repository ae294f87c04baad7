/* graphc's call path: a CPython extension built once per machine (graphc/fastcall.py)
 * that calls any compiled kernel through its function pointer.
 *
 * Kernel.__call__ checks and converts the arguments in C on the common path (Python
 * floats for scalar inputs, C-contiguous arrays of the exact dtype and shape) and hands
 * everything else to a Python converter that does the full checks and raises the errors.
 * Bound.__call__ runs the kernel on buffers fixed at bind time with no checks at all.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <stdint.h>
#include <string.h>

#define MAX_ARGS 256
#define MAX_DIMS 32
#define STACK_WORK 65536

typedef int (*kernel_fn)(const void *const *, void *const *, void *);

typedef struct {
    int ndim;
    int type;                 /* NPY_DOUBLE, NPY_FLOAT or NPY_BOOL */
    npy_intp shape[MAX_DIMS];
} Spec;

typedef struct {
    PyObject_HEAD
    kernel_fn fn;
    int n_in, n_out, single, release_gil;
    Py_ssize_t work_bytes;
    Spec *in, *out;
    PyObject *convert;        /* callable(*args, **kwargs) -> list of checked arrays */
    PyObject *fail;           /* callable(code): raises the error for a kernel's return code */
    void *spare;              /* a work area kept between calls (taken and returned under the GIL) */
} Kernel;

static int parse_specs(PyObject *seq, Spec **out, int *n)
{
    PyObject *fast = PySequence_Fast(seq, "specs must be a sequence");
    if (!fast) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    if (count > MAX_ARGS) { Py_DECREF(fast); PyErr_SetString(PyExc_ValueError, "too many arguments"); return -1; }
    Spec *specs = PyMem_Calloc((size_t)(count ? count : 1), sizeof(Spec));
    if (!specs) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < count; ++i) {
        PyObject *shape, *item = PySequence_Fast_GET_ITEM(fast, i);
        int type;
        if (!PyArg_ParseTuple(item, "Oi", &shape, &type)) goto fail;
        PyObject *dims = PySequence_Fast(shape, "shape must be a sequence");
        if (!dims) goto fail;
        Py_ssize_t nd = PySequence_Fast_GET_SIZE(dims);
        if (nd > MAX_DIMS) { Py_DECREF(dims); PyErr_SetString(PyExc_ValueError, "too many dimensions"); goto fail; }
        specs[i].ndim = (int)nd;
        specs[i].type = type;
        for (Py_ssize_t d = 0; d < nd; ++d)
            specs[i].shape[d] = (npy_intp)PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(dims, d));
        Py_DECREF(dims);
        if (PyErr_Occurred()) goto fail;
    }
    Py_DECREF(fast);
    *out = specs;
    *n = (int)count;
    return 0;
fail:
    Py_DECREF(fast);
    PyMem_Free(specs);
    return -1;
}

static int Kernel_init(Kernel *self, PyObject *args, PyObject *kwds)
{
    unsigned long long address;
    PyObject *ins, *outs, *convert, *fail;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "KOOniiOO", &address, &ins, &outs, &self->work_bytes,
                          &self->single, &self->release_gil, &convert, &fail))
        return -1;
    self->fn = (kernel_fn)(uintptr_t)address;
    if (parse_specs(ins, &self->in, &self->n_in) < 0) return -1;
    if (parse_specs(outs, &self->out, &self->n_out) < 0) return -1;
    Py_INCREF(convert);
    Py_INCREF(fail);
    self->convert = convert;
    self->fail = fail;
    return 0;
}

static void Kernel_dealloc(Kernel *self)
{
    PyMem_RawFree(self->spare);
    PyMem_Free(self->in);
    PyMem_Free(self->out);
    Py_XDECREF(self->convert);
    Py_XDECREF(self->fail);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int matches(PyObject *a, const Spec *s)
{
    if (!PyArray_CheckExact(a)) return 0;
    PyArrayObject *arr = (PyArrayObject *)a;
    if (PyArray_TYPE(arr) != s->type || PyArray_NDIM(arr) != s->ndim || !PyArray_IS_C_CONTIGUOUS(arr))
        return 0;
    npy_intp *dims = PyArray_DIMS(arr);
    for (int d = 0; d < s->ndim; ++d)
        if (dims[d] != s->shape[d]) return 0;
    return 1;
}

static PyObject *run(kernel_fn fn, int release_gil, const void **argv, void **resv, void *work, PyObject *fail)
{
    int code;
    if (release_gil) {
        Py_BEGIN_ALLOW_THREADS
        code = fn(argv, resv, work);
        Py_END_ALLOW_THREADS
    } else {
        code = fn(argv, resv, work);
    }
    if (code) {
        PyObject *r = PyObject_CallFunction(fail, "i", code);
        Py_XDECREF(r);
        if (!PyErr_Occurred()) PyErr_Format(PyExc_RuntimeError, "graphc kernel returned %d", code);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *Kernel_call(Kernel *self, PyObject *args, PyObject *kwargs)
{
    const void *argv[MAX_ARGS];
    void *resv[MAX_ARGS];
    double scalars_d[MAX_ARGS];
    float scalars_f[MAX_ARGS];
    PyObject *outs[MAX_ARGS];
    PyObject *converted = NULL, *result = NULL;
    _Alignas(64) char stack_work[STACK_WORK];
    void *work = stack_work, *heap = NULL;
    int n = self->n_in, fast = 1;

    if ((kwargs && PyDict_GET_SIZE(kwargs)) || PyTuple_GET_SIZE(args) != n) {
        fast = 0;
    } else {
        for (int i = 0; i < n; ++i) {
            PyObject *a = PyTuple_GET_ITEM(args, i);
            const Spec *s = &self->in[i];
            if (s->ndim == 0 && PyFloat_Check(a) && s->type != NPY_BOOL) {
                if (s->type == NPY_DOUBLE) {
                    scalars_d[i] = PyFloat_AS_DOUBLE(a);
                    argv[i] = &scalars_d[i];
                } else {
                    scalars_f[i] = (float)PyFloat_AS_DOUBLE(a);
                    argv[i] = &scalars_f[i];
                }
            } else if (matches(a, s)) {
                argv[i] = PyArray_DATA((PyArrayObject *)a);
            } else {
                fast = 0;
                break;
            }
        }
    }
    if (!fast) {      /* the full checks, conversions and error messages, in Python */
        converted = PyObject_Call(self->convert, args, kwargs);
        if (!converted) return NULL;
        if (!PyList_Check(converted) || PyList_GET_SIZE(converted) != n) {
            Py_DECREF(converted);
            PyErr_SetString(PyExc_RuntimeError, "graphc: converter returned a bad list");
            return NULL;
        }
        for (int i = 0; i < n; ++i) {
            PyObject *a = PyList_GET_ITEM(converted, i);
            if (!matches(a, &self->in[i])) {
                Py_DECREF(converted);
                PyErr_Format(PyExc_RuntimeError, "graphc: converter returned a bad array for input %d", i);
                return NULL;
            }
            argv[i] = PyArray_DATA((PyArrayObject *)a);
        }
    }
    int made = 0;
    for (; made < self->n_out; ++made) {
        const Spec *s = &self->out[made];
        outs[made] = PyArray_SimpleNew(s->ndim, (npy_intp *)s->shape, s->type);
        if (!outs[made]) goto done;
        resv[made] = PyArray_DATA((PyArrayObject *)outs[made]);
    }
    if (self->work_bytes > STACK_WORK) {
        /* Large work areas are reused between calls: a fresh one would cost page faults on
         * every call. A concurrent call (GIL released) finds none spare and allocates. */
        heap = self->spare;
        self->spare = NULL;
        if (!heap) heap = PyMem_RawMalloc((size_t)self->work_bytes + 64);
        if (!heap) { PyErr_NoMemory(); goto done; }
        work = (void *)(((uintptr_t)heap + 63) & ~(uintptr_t)63);
    }
    PyObject *ok = run(self->fn, self->release_gil, argv, resv, work, self->fail);
    if (!ok) goto done;
    Py_DECREF(ok);
    if (self->single) {
        result = outs[0];
        Py_INCREF(result);
    } else {
        result = PyTuple_New(self->n_out);
        if (!result) goto done;
        for (int j = 0; j < self->n_out; ++j) {
            Py_INCREF(outs[j]);
            PyTuple_SET_ITEM(result, j, outs[j]);
        }
    }
done:
    for (int j = 0; j < made; ++j) Py_DECREF(outs[j]);
    Py_XDECREF(converted);
    if (heap) {
        if (!self->spare) self->spare = heap;
        else PyMem_RawFree(heap);
    }
    return result;
}

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphc._fastcall.Kernel",
    .tp_basicsize = sizeof(Kernel),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Kernel_init,
    .tp_dealloc = (destructor)Kernel_dealloc,
    .tp_call = (ternaryfunc)Kernel_call,
    .tp_doc = "A compiled kernel: call it with the function's inputs.",
};

/* ---------------------------------------------------------------- Bound */

typedef struct {
    PyObject_HEAD
    kernel_fn fn;
    int release_gil;
    int n_in, n_out;
    const void **argv;
    void **resv;
    void *work;
    PyObject *keep;           /* (inputs, outputs, work array, kernel): keeps the memory alive */
    PyObject *result;         /* what a call returns: the output array or tuple */
    PyObject *fail;
} Bound;

static int Bound_init(Bound *self, PyObject *args, PyObject *kwds)
{
    Kernel *kernel;
    PyObject *inputs, *outputs, *work, *result;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "O!OOOO", &KernelType, &kernel, &inputs, &outputs, &work, &result))
        return -1;
    if (!PyList_Check(inputs) || !PyList_Check(outputs) || !PyArray_Check(work)
            || PyList_GET_SIZE(inputs) != kernel->n_in || PyList_GET_SIZE(outputs) != kernel->n_out) {
        PyErr_SetString(PyExc_TypeError, "Bound(kernel, [inputs], [outputs], work, result)");
        return -1;
    }
    for (int i = 0; i < kernel->n_in; ++i)
        if (!matches(PyList_GET_ITEM(inputs, i), &kernel->in[i])) {
            PyErr_Format(PyExc_TypeError, "Bound: input %d does not fit", i);
            return -1;
        }
    for (int j = 0; j < kernel->n_out; ++j)
        if (!matches(PyList_GET_ITEM(outputs, j), &kernel->out[j])) {
            PyErr_Format(PyExc_TypeError, "Bound: output %d does not fit", j);
            return -1;
        }
    if (PyArray_NBYTES((PyArrayObject *)work) < kernel->work_bytes) {
        PyErr_SetString(PyExc_ValueError, "Bound: work area too small");
        return -1;
    }
    self->fn = kernel->fn;
    self->release_gil = kernel->release_gil;
    self->n_in = kernel->n_in;
    self->n_out = kernel->n_out;
    self->argv = PyMem_Calloc((size_t)kernel->n_in + 1, sizeof(void *));
    self->resv = PyMem_Calloc((size_t)kernel->n_out + 1, sizeof(void *));
    if (!self->argv || !self->resv) { PyErr_NoMemory(); return -1; }
    for (int i = 0; i < kernel->n_in; ++i)
        self->argv[i] = PyArray_DATA((PyArrayObject *)PyList_GET_ITEM(inputs, i));
    for (int j = 0; j < kernel->n_out; ++j)
        self->resv[j] = PyArray_DATA((PyArrayObject *)PyList_GET_ITEM(outputs, j));
    self->work = PyArray_DATA((PyArrayObject *)work);
    self->keep = Py_BuildValue("(OOOO)", inputs, outputs, work, (PyObject *)kernel);
    if (!self->keep) return -1;
    Py_INCREF(result);
    self->result = result;
    Py_INCREF(kernel->fail);
    self->fail = kernel->fail;
    return 0;
}

static void Bound_dealloc(Bound *self)
{
    PyMem_Free(self->argv);
    PyMem_Free(self->resv);
    Py_XDECREF(self->keep);
    Py_XDECREF(self->result);
    Py_XDECREF(self->fail);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Bound_call(Bound *self, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) || (kwargs && PyDict_GET_SIZE(kwargs))) {
        PyErr_SetString(PyExc_TypeError, "a bound call takes no arguments: write new values into .inputs");
        return NULL;
    }
    PyObject *ok = run(self->fn, self->release_gil, self->argv, self->resv, self->work, self->fail);
    if (!ok) return NULL;
    Py_DECREF(ok);
    Py_INCREF(self->result);
    return self->result;
}

static PyTypeObject BoundType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphc._fastcall.Bound",
    .tp_basicsize = sizeof(Bound),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Bound_init,
    .tp_dealloc = (destructor)Bound_dealloc,
    .tp_call = (ternaryfunc)Bound_call,
    .tp_doc = "A kernel bound to fixed input, output and work buffers.",
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastcall", "graphc's call path into compiled kernels.", -1, NULL,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit__fastcall(void)
{
    import_array();
    if (PyType_Ready(&KernelType) < 0 || PyType_Ready(&BoundType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&KernelType);
    Py_INCREF(&BoundType);
    if (PyModule_AddObject(m, "Kernel", (PyObject *)&KernelType) < 0 ||
            PyModule_AddObject(m, "Bound", (PyObject *)&BoundType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
