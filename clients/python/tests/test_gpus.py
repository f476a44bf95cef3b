import unittest

from carbon_governor.gpus import GpuMappingError, default_gpus, machine_gpus, visible_gpus

from .support import Env, FakeCuda, FakeTorch

UUID0 = "5a5a0000-0000-4000-8000-000000000000"
UUID1 = "5a5a0000-0000-4000-8000-000000000001"


class VisibleGpusTest(unittest.TestCase):
    def test_indices_are_positions_in_cuda_visible_devices(self) -> None:
        self.assertEqual(visible_gpus([0, 1], "3,1"), [3, 1])
        self.assertEqual(visible_gpus(["1"], "GPU-" + UUID0 + ",GPU-" + UUID1), ["GPU-" + UUID1])

    def test_cuda_stops_at_the_first_entry_it_cannot_use(self) -> None:
        with self.assertRaisesRegex(GpuMappingError, "GPU 1 is not visible.*shows 1 GPU"):
            visible_gpus([1], "2,bogus,3")

    def test_uuids_pass_as_they_are(self) -> None:
        self.assertEqual(visible_gpus(["GPU-" + UUID1], "0"), ["GPU-" + UUID1])

    def test_a_boolean_is_no_gpu(self) -> None:
        with self.assertRaises(GpuMappingError):
            visible_gpus([True], "0")


class MachineGpusTest(unittest.TestCase):
    def setUp(self) -> None:
        self.env = Env()
        self.env.set("CUDA_VISIBLE_DEVICES", None)
        self.env.set("CUDA_DEVICE_ORDER", None)

    def tearDown(self) -> None:
        self.env.restore()

    def test_without_torch_an_index_goes_through_cuda_visible_devices(self) -> None:
        self.env.module("torch", None)
        self.env.set("CUDA_VISIBLE_DEVICES", "1")
        self.assertEqual(machine_gpus([0]), [1])

    def test_pytorchs_uuid_names_the_device_whatever_cuda_visible_devices_says(self) -> None:
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "A100"], [UUID0, UUID1])))
        self.env.set("CUDA_VISIBLE_DEVICES", "1,0")
        self.assertEqual(machine_gpus([1, "GPU-" + UUID0]), ["GPU-" + UUID1, "GPU-" + UUID0])

    def test_an_older_pytorch_without_uuids_falls_back_to_cuda_visible_devices(self) -> None:
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "T4"])))
        self.env.set("CUDA_VISIBLE_DEVICES", "3,2")
        self.assertEqual(machine_gpus([1]), [2])

    def test_fastest_first_numbering_over_unlike_gpus_is_refused(self) -> None:
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "T4"])))
        with self.assertRaisesRegex(GpuMappingError, "CUDA_DEVICE_ORDER=PCI_BUS_ID"):
            machine_gpus([0])

    def test_pci_order_or_like_gpus_keep_the_index(self) -> None:
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "A100"])))
        self.assertEqual(machine_gpus([1]), [1])
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "T4"])))
        self.env.set("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
        self.assertEqual(machine_gpus([1]), [1])

    def test_default_gpus_are_the_devices_the_process_sees(self) -> None:
        self.env.module("torch", FakeTorch(FakeCuda(["A100", "A100"], [UUID0, UUID1])))
        self.assertEqual(machine_gpus(default_gpus()), ["GPU-" + UUID0, "GPU-" + UUID1])
        self.env.module("torch", None)
        self.env.set("CUDA_VISIBLE_DEVICES", "2,GPU-" + UUID1)
        self.assertEqual(machine_gpus(default_gpus()), [2, "GPU-" + UUID1])
        self.env.set("CUDA_VISIBLE_DEVICES", None)
        with self.assertRaisesRegex(GpuMappingError, "pass gpus="):
            default_gpus()


if __name__ == "__main__":
    unittest.main()
