"""`Module`, `Parameter` and `Sequential`: PyTorch's way of grouping parameters into layers.

A subclass assigns its layers and parameters as attributes in `__init__`, after
`super().__init__()`; the assignment registers them, so that `parameters()` finds every
parameter of every layer, in the order they were assigned.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ...errors import TapeError
from ..graph import no_grad
from ..tensor import Tensor, unwrap


class Parameter(Tensor):
    """A tensor that a Module registers as one of its parameters; it requires grad.

    >>> self.scale = Parameter(tensor(1.0))
    """

    def __init__(self, data, requires_grad: bool = True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """The base of layers and models: subclass it, assign layers in `__init__`, and write
    `forward`; `model(x)` calls `forward(x)`.

    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(1, 1)
    ...     def forward(self, x):
    ...         return self.fc(x)
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *inputs):
        raise TapeError(f"{type(self).__name__} has no forward method",
                        "define forward(self, x) in the class")

    def __call__(self, *inputs, **kwargs):
        return self.forward(*inputs, **kwargs)

    # -- registration by assignment ---------------------------------------------------------

    def __setattr__(self, name: str, value) -> None:
        if "_parameters" not in self.__dict__:
            raise TapeError(f"{type(self).__name__}.{name} is assigned before "
                            "super().__init__() was called",
                            "call super().__init__() first in __init__")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        registered = self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})
        for table in registered:
            if name in table:
                return table[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters or name in self._modules:
            self._parameters.pop(name, None)
            self._modules.pop(name, None)
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name: str, parameter: Parameter | None) -> None:
        self._parameters[name] = parameter

    def add_module(self, name: str, module: Module | None) -> None:
        self._modules[name] = module

    # -- walking the tree ---------------------------------------------------------------------

    def named_modules(self, prefix: str = ""):
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        return (module for _, module in self.named_modules())

    def named_children(self):
        return ((name, m) for name, m in self._modules.items() if m is not None)

    def children(self):
        return (module for _, module in self.named_children())

    def named_parameters(self, prefix: str = "", recurse: bool = True):
        """(name, parameter) pairs such as ("fc1.weight", ...), each parameter once."""
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, parameter in module._parameters.items():
                if parameter is not None and id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield (f"{module_prefix}.{name}" if module_prefix else name), parameter

    def parameters(self, recurse: bool = True):
        """Every parameter, in the order the layers and parameters were assigned."""
        return (parameter for _, parameter in self.named_parameters(recurse=recurse))

    def zero_grad(self, set_to_none: bool = True) -> None:
        for parameter in self.parameters():
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad.zero_()

    def apply(self, function) -> Module:
        for module in self.children():
            module.apply(function)
        function(self)
        return self

    # -- state --------------------------------------------------------------------------------

    def state_dict(self) -> OrderedDict:
        """A copy of every parameter's value, by name (a snapshot: later steps do not change
        it)."""
        return OrderedDict((name, Tensor(np.array(p._value, copy=True)))
                           for name, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict: bool = True):
        """Set parameters from a name -> array mapping (tensors, NumPy or PyTorch arrays)."""
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            raise TapeError(f"load_state_dict: missing {missing}, unexpected {unexpected}",
                            "pass strict=False to load only the names both have")
        for name, parameter in own.items():
            if name in state_dict:
                value = np.asarray(unwrap(_detached(state_dict[name])))
                if value.shape != parameter.shape:
                    raise TapeError(f"load_state_dict: {name} has shape {parameter.shape}, "
                                    f"the value given has shape {value.shape}")
                with no_grad():
                    parameter.copy_(Tensor(value))
        return missing, unexpected

    def train(self, mode: bool = True) -> Module:
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def to(self, dtype) -> Module:
        """Cast every parameter to `dtype` (float32, float64)."""
        for parameter in self.parameters():
            with no_grad():
                parameter._value = parameter._value.astype(dtype)
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:  # noqa: A003 (PyTorch's name)
        return self.to(np.float32)

    # -- printing -----------------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [f"({name}): " + repr(module).replace("\n", "\n  ")
                    for name, module in self.named_children()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(children) + "\n)"


def _detached(value):
    """A PyTorch tensor's detached value, or the value itself."""
    detach = getattr(value, "detach", None)
    return detach() if callable(detach) and not isinstance(value, Tensor) else value


class Sequential(Module):
    """Layers applied one after another: `Sequential(Linear(10, 50), ReLU(), Linear(50, 1))`."""

    def __init__(self, *layers: Module):
        super().__init__()
        for index, layer in enumerate(layers):
            self.add_module(str(index), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())
