import { adAdapter } from '../../helpers/directory-scenarios';
import { day2Suite } from './day2';

describe('day 2 on Active Directory (Samba)', () => day2Suite('ad', () => adAdapter('day2')));
