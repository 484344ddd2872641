"""factory_boy factory for enterprises; rows are written through services.enterprise_create."""

import factory

from zoneops.audit.context import Actor
from zoneops.enterprises import services
from zoneops.enterprises.models import Enterprise
from zoneops.org.tests.factories import UnitFactory

# Published 统一社会信用代码 whose GB 32100 check digit stdnum confirms (test_uscc checks them).
VALID_CODES = ["91110000600037341L", "91110108551385082Q", "914403001922038216", "91440300708461136T",
               "91110000100017643K", "911100001000044477"]


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}号有限公司")
    uscc = ""
    flags = ("foreign",)  # without a code the registry requires the 外资 flag
    unit = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.enterprise_create(actor=Actor.system(), **kwargs)
